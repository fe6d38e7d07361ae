"""The web dashboard (``accord serve``): a FastAPI app and one plain HTML page."""

from accord.web.app import create_app

__all__ = ["create_app"]
