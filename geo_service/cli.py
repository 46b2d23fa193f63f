"""The `geo-service` command: database, users, imports, serving, demo."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy.orm import Session

from geo_service import config, migrate
from geo_service.db import make_engine
from geo_service.queries.maintenance import cluster_venues
from geo_service.queries.users import create_user, user_by_name
from geo_service.vocabulary import ROLES
from importers.errors import DuplicateFileError, RejectedFile
from importers.load import import_gpx
from importers.load_venues import store_venues
from importers.venues import parse_venues

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _session() -> Session:
    """A session on DATABASE_URL (or the local cluster)."""
    return Session(make_engine(config.database_url()), expire_on_commit=False)


@click.group()
def main() -> None:
    """Yinhu Trails & Places: GPX routes, venues and events on PostGIS."""


@main.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema (Alembic)."""
    migrate.upgrade(config.database_url())
    click.echo("database is up to date")


@db_group.command("cluster")
def db_cluster() -> None:
    """Store venues in location order (after a bulk import; locks venues meanwhile)."""
    with _session() as session:
        cluster_venues(session)
        session.commit()
    click.echo("venues are stored in location order")


@main.group("users")
def users_group() -> None:
    """Manage the people who may write."""


@users_group.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
def users_create(name: str, role: str) -> None:
    """Create a user and print their token (shown once; only a hash is kept)."""
    with _session() as session:
        if user_by_name(session, name) is not None:
            raise click.ClickException(f"a user called {name!r} already exists")
        _, token = create_user(session, name, role)
        session.commit()
    click.echo(token)


def _gpx_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    """Files as given, and *.gpx under given folders, in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() == ".gpx")
        else:
            yield path


@main.command("import-gpx")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_gpx_cmd(paths: tuple[Path, ...]) -> None:
    """Import GPX files and folders; exit 1 when any file failed."""
    files = list(_gpx_files(paths))
    imported, duplicates, failed = 0, 0, []
    with _session() as session, click.progressbar(
        files, label="importing", file=sys.stderr, item_show_func=lambda p: p.name if p else ""
    ) as bar:
        for path in bar:
            try:
                import_gpx(session, path.read_bytes(), filename=path.name)
                session.commit()
                imported += 1
            except DuplicateFileError:
                session.rollback()
                duplicates += 1
            except RejectedFile as exc:
                session.rollback()
                failed.append((path, exc.message))
            except OSError as exc:
                failed.append((path, exc.strerror or str(exc)))
    click.echo(f"imported {imported}, duplicate {duplicates}, failed {len(failed)}")
    for path, reason in failed:
        click.echo(f"  failed: {path}: {reason}")
    if failed:
        sys.exit(1)


@main.command("import-venues")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_venues_cmd(path: Path) -> None:
    """Upsert venues from a CSV or GeoJSON file; exit 1 when any row was rejected."""
    try:
        parsed = parse_venues(path.read_bytes(), path.name)
    except RejectedFile as exc:
        raise click.ClickException(f"{path}: {exc.message}") from exc
    with _session() as session:
        report = store_venues(session, parsed)
        session.commit()
    click.echo(
        f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}"
    )
    for r in report.rejected:
        click.echo(f"  row {r.row}: {r.reason}")
    if report.rejected:
        sys.exit(1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=config.default_workers(), show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app with gunicorn."""
    argv = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{host}:{port}",
        "--access-logfile", "-", "geo_service.wsgi:app",
    ]
    os.execv(sys.executable, argv)


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=config.default_workers(), show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up and load, then stop.")
@click.pass_context
def demo(ctx: click.Context, host: str, port: int, workers: int, no_serve: bool) -> None:
    """Set up the database, migrate, load data/, then serve."""
    from geo_service.demo import load_sample_data

    if not os.environ.get("DATABASE_URL"):
        script = PROJECT_ROOT / "scripts" / "localdb"
        if script.exists():
            subprocess.run([str(script), "start"], check=True)
    migrate.upgrade(config.database_url())
    with _session() as session:
        for line in load_sample_data(session, PROJECT_ROOT / "data"):
            click.echo(line)
    if not no_serve:
        click.echo(f"serving on http://{host}:{port}/")
        ctx.invoke(serve, host=host, port=port, workers=workers)
