"""collab: a self-hosted, real-time workshop app for seminars of plenaries and parallel ateliers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the collab application: config → database → Socket.IO → web → CLI."""
    # Imported here, not above: `collab serve` has eventlet patch the standard library before
    # Flask, SQLAlchemy or Socket.IO is loaded, and importing any collab module runs this file first.
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from collab import assets, cli, i18n, logs, metrics, sockets, web  # noqa: F401  (sockets registers the handlers)
    from collab.config import STATIC_FOLDER, TEMPLATE_FOLDER, Config
    from collab.realtime.server import same_origin_or, socketio
    from collab.realtime.workers import client_manager, transports
    from collab.sockets.frames import cap_polling_bodies, guard_frames
    from collab.store.database import db

    settings = Config(**(config or {}))
    app = Flask(
        __name__,
        static_folder=str(STATIC_FOLDER),
        static_url_path=assets.static_url_path(STATIC_FOLDER),
        template_folder=str(TEMPLATE_FOLDER),
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

    assets.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    metrics.init_app(app)
    cli.init_app(app)
    return app
