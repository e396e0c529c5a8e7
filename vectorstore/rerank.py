"""Optional cross-encoder reranker (default BAAI/bge-reranker-base), used only when its weights are local."""

from __future__ import annotations

from vectorstore.embedders import local_model_path

DEFAULT_RERANKER = "BAAI/bge-reranker-base"


class CrossEncoderReranker:
    def __init__(self, model_path: str, name: str, device: str = "cpu") -> None:
        from sentence_transformers import CrossEncoder

        self._model = CrossEncoder(model_path, device=device, local_files_only=True)
        self.name = name

    def scores(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        return [float(s) for s in self._model.predict([(query, t) for t in texts], show_progress_bar=False)]


def load_reranker(mode: str, model: str = DEFAULT_RERANKER, device: str = "cpu") -> tuple[CrossEncoderReranker | None, str | None]:
    """mode: off | auto (use it when the model is local) | on (same, but say so when it is missing)."""
    if mode == "off":
        return None, None
    path = local_model_path(model)
    if path is None:
        return None, (f"重排序模型 {model} 不在本机，未启用重排序。" if mode == "on" else None)
    try:
        return CrossEncoderReranker(path, model, device), None
    except (OSError, ValueError, RuntimeError) as exc:
        return None, f"重排序模型 {model} 无法加载（{type(exc).__name__}），未启用重排序。"
