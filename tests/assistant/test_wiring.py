"""The services object a UI keeps: built once, shared by threads, refreshed after an ingest."""

import threading

from assistant.ingesting import ingest_and_index
from assistant.settings import load_settings
from assistant.wiring import build_services
from ingest.chunking import TokenBudget
from ingest.tokens import ConservativeCounter
from tests.conftest import SAMPLES, VARIED


BUDGET = TokenBudget(350, ConservativeCounter())


def _asking(services, question: str, threads: int, *, until: threading.Event | None = None):
    """`threads` threads asking `question` once (or until `until` is set); (started threads, answers, errors)."""
    answers, errors = [], []

    def ask() -> None:
        while True:
            try:
                answers.append(services.answerer.ask(question, use_llm=False))
            except BaseException as exc:          # noqa: BLE001 - the test asserts there are none
                errors.append(exc)
            if until is None or until.is_set():
                return

    started = [threading.Thread(target=ask) for _ in range(threads)]
    for t in started:
        t.start()
    return started, answers, errors


def _services_over_the_samples(tmp_path):
    services = build_services(load_settings(data_dir=tmp_path / "data", **{"embedding.kind": "hashing"}))
    ingest_and_index([SAMPLES], services.store, BUDGET, services.index)
    services.refresh()
    return services, BUDGET


def test_services_see_a_new_place_after_refresh_and_serve_threads(tmp_path):
    services, budget = _services_over_the_samples(tmp_path)
    assert "清河县" in services.retriever.gazetteer.keys
    ingest_and_index([VARIED / "寿光市卫生健康局2023年工作总结及2024年工作计划.txt"], services.store, budget, services.index)
    assert "寿光市" not in services.retriever.gazetteer.keys             # cached until refreshed …
    services.refresh()
    assert "寿光市" in services.retriever.gazetteer.keys                 # … then current
    threads, answers, errors = _asking(services, "寿光市2023年家庭医生签约率", 8)
    for t in threads:
        t.join()
    assert errors == [] and len(answers) == 8
    assert all(a.citations and a.citations[0].chunk.source.startswith("寿光市") for a in answers)
    services.close()


def test_questions_while_an_ingest_runs(tmp_path):
    services, budget = _services_over_the_samples(tmp_path)
    done = threading.Event()
    askers, answers, errors = _asking(services, "2023年重点人群签约率是多少", 4, until=done)
    ingest_and_index([VARIED], services.store, budget, services.index)      # 11 reports land meanwhile
    services.refresh()
    done.set()
    for t in askers:
        t.join()
    assert errors == [] and answers
    assert all("79.8%" in a.text for a in answers)
    services.close()
