"""A server the UI tests start on loopback, over the sample reports (offline hashing embedder)."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLES

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    from assistant.ingesting import ingest_and_index
    from assistant.settings import load_settings
    from assistant.wiring import build_services
    from ui.app import build_app, launch

    root = tmp_path_factory.mktemp("ui")
    settings = load_settings(data_dir=root / "data", **{"embedding.kind": "hashing"})
    services = build_services(settings)
    ingest_and_index([SAMPLES], services.store, services.budget, services.index)
    services.refresh()
    app = build_app(services)
    url = launch(app, host="127.0.0.1", port=None, block=False)
    client = gradio_client.Client(url, verbose=False)
    yield services, client, root
    app.close()
    services.close()
