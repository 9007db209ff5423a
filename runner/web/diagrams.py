"""Diagram pages: every deployed BPMN/DMN file rendered with bpmn-js / dmn-js (served from node_modules)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, render_template, send_from_directory
from flask.typing import ResponseReturnValue

from ..core.deploy import latest_artifacts
from ..store.models import Artifact
from .extensions import database

diagrams = Blueprint("diagrams", __name__)

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VENDORED = ("bpmn-js/dist/", "dmn-js/dist/", "@json-editor/json-editor/dist/")


@diagrams.get("/vendor/<path:path>")
def vendor(path: str) -> ResponseReturnValue:
    """Front-end libraries installed by npm from the committed lockfile; nothing else under node_modules."""
    if not path.startswith(VENDORED):
        abort(404)
    return send_from_directory(NODE_MODULES, path, max_age=3600)


def _latest(kind: str | None = None) -> list[Artifact]:
    with database().read() as session:
        return latest_artifacts(session, kind)


def _artifact(kind: str, name: str) -> Artifact:
    found = [a for a in _latest(kind) if a.name == name]
    if not found:
        abort(404)
    return found[0]


@diagrams.get("/diagrams")
def index() -> ResponseReturnValue:
    return render_template("diagrams.html", files=[a for a in _latest() if a.kind in ("bpmn", "dmn")])


@diagrams.get("/diagrams/<kind>/<name>")
def view(kind: str, name: str) -> ResponseReturnValue:
    if kind not in ("bpmn", "dmn"):
        abort(404)
    return render_template("diagram.html", kind=kind, artifact=_artifact(kind, name))


@diagrams.get("/diagrams/<kind>/<name>/xml")
def xml(kind: str, name: str) -> ResponseReturnValue:
    """The file as text, never as XML: a browser opening it renders nothing and runs nothing, so markup a designer
    put in <bpmn:documentation> (an XHTML <script>, say) stays text. The viewer page fetches it and parses it."""
    return Response(_artifact(kind, name).content, mimetype="text/plain")
