"""`manage.py fetch_feeds [--feed ID]`: fetch active feeds and ingest their new entries."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from timeline import services
from timeline.models import Feed


class Command(BaseCommand):
    help = (
        "Fetch every active feed (or the ones named with --feed), asking the server only for "
        "what changed, and ingest new entries as articles. Running it twice adds nothing new."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--feed", type=int, action="append", dest="feeds", metavar="ID", help="a feed's id"
        )

    def handle(self, *args, **options) -> None:
        feeds = Feed.objects.select_related("story")
        if options["feeds"]:
            feeds = feeds.filter(pk__in=options["feeds"])
            missing = set(options["feeds"]) - {feed.pk for feed in feeds}
            if missing:
                raise CommandError(f"No feed with id {', '.join(map(str, sorted(missing)))}.")
        else:
            feeds = feeds.filter(active=True)
        failed = 0
        for feed in feeds:
            report = services.feed_fetch(feed=feed)
            if report.errors:
                failed += report.status is None or not (report.added or report.repeated)
                self.stdout.write(self.style.WARNING(report.summary))
                for error in report.errors:
                    self.stderr.write(f"  {error}")
            else:
                self.stdout.write(self.style.SUCCESS(report.summary))
        if not feeds:
            self.stdout.write("No active feeds. Add one in the admin (Feeds).")
        if failed:
            raise CommandError(f"{failed} feed(s) could not be read; see the messages above.")
