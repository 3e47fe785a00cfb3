"""collab: a self-hosted, real-time workshop app for seminars of plenaries and parallel ateliers."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from collab import assets, logs, sockets  # noqa: F401  (registers the Socket.IO handlers before init_app)
from collab.config import ROOT, Config
from collab.db import db
from collab.realtime import same_origin_or, socketio
from collab.sockets.frames import cap_polling_bodies, guard_frames
from collab.workers import client_manager, transports


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the collab application: config → database → Socket.IO → views → CLI."""
    settings = Config(**(config or {}))
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        static_url_path=assets.static_url_path(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(settings.INSTANCE_PATH),
    )
    app.config.from_mapping(settings.as_dict())
    logs.configure(app)

    db.configure(app.config["DATABASE_URL"], app.config["SQLITE_SYNCHRONOUS"])
    db.migrate()

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        cors_allowed_origins=same_origin_or(app.config["ALLOWED_ORIGINS"]),
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        # Every option is passed each time: the one SocketIO object keeps those of earlier apps.
        client_manager=client_manager(app.config["MESSAGE_QUEUE"], app.config["MESSAGE_CHANNEL"], app),
        transports=transports(app.config["MESSAGE_QUEUE"]),
        logger=False,
        engineio_logger=False,
    )
    guard_frames(socketio.server)
    app.wsgi_app = cap_polling_bodies(app.wsgi_app, app.config["MAX_MESSAGE_BYTES"])  # type: ignore[method-assign]
    if app.config["PROXY_COUNT"]:
        # Outermost: Socket.IO's origin check and every page see the scheme and host the browser used.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    from collab import cli, i18n, metrics, views

    assets.init_app(app)
    i18n.init_app(app)
    views.init_app(app)
    metrics.init_app(app)
    cli.init_app(app)
    return app
