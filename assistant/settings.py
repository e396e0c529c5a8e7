"""One typed settings object: defaults < TOML file < environment < CLI flags.

Loaded once at the entry point and passed down; no other module reads the environment.
Environment variables: REPORT_ASSISTANT_<FIELD>, nested with "__" (REPORT_ASSISTANT_INGEST__CHUNK_TOKENS).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from assistant.errors import ConfigError
from ingest.loaders import MAX_TEXT_CHARS

DEFAULT_CONFIG_FILE = "report-assistant.toml"
ENV_PREFIX = "REPORT_ASSISTANT_"


class IngestSettings(BaseModel):
    chunk_tokens: int = Field(350, ge=32, le=8192, description="每个文本块的最大 token 数（按句切分，不切断数字）")
    tokenizer: str = Field("cl100k_base", description="tiktoken 编码名；离线且无本地缓存时改用保守估算")
    max_text_chars: int = Field(MAX_TEXT_CHARS, ge=10_000, le=200_000_000,
                                description="单个文件最多导入的字数；超过的文件不导入并说明原因（一份工作报告通常只有几万字）")


class EmbeddingSettings(BaseModel):
    kind: Literal["auto", "sentence-transformers", "hashing"] = Field(
        "auto", description="auto：本机有模型就用 sentence-transformers，否则用离线字符 n-gram 嵌入")
    model: str = Field("BAAI/bge-small-zh-v1.5", description="sentence-transformers 模型名或本地路径")
    device: str = Field("cpu", description="cpu 或 cuda")
    batch_size: int = Field(32, ge=1, le=1024, description="嵌入批大小")
    query_instruction: str | None = Field(None, description="查询前缀；默认对 bge-*-zh 模型使用官方检索指令")
    hashing_dim: int = Field(512, ge=64, le=4096, description="离线 n-gram 嵌入的维度")


class VectorStoreSettings(BaseModel):
    chroma_url: str | None = Field(None, description="Chroma 服务器地址（如 http://127.0.0.1:8000）；不设则用数据目录中的嵌入式存储")


class RetrievalSettings(BaseModel):
    lexical_weight: float = Field(1.0, ge=0, description="融合时 BM25 结果的权重")
    dense_weight: float | None = Field(
        None, ge=0, description="融合时向量结果的权重；不设则自动：sentence-transformers 为 1.0，离线 n-gram 嵌入为 0.25")
    rrf_k: int = Field(10, ge=1, description="倒数排名融合（RRF）的 k：越小，名次差距越重要（年份、地区等排序信号约相当于前移三名）")
    candidates: int = Field(50, ge=5, le=1000, description="每路检索取回的候选数")
    reranker: Literal["auto", "on", "off"] = Field("auto", description="交叉编码重排序：auto 为本机有模型时启用")
    reranker_model: str = Field("BAAI/bge-reranker-base", description="重排序模型名或本地路径")
    terms_file: Path | None = Field(None, description="行业词典文件（jieba 格式），默认用内置词典")
    synonyms_file: Path | None = Field(None, description="同义词表文件，默认用内置同义词表")


class LLMSettings(BaseModel):
    base_url: str | None = Field(None, description="OpenAI 兼容接口地址（DeepSeek、通义、智谱、Ollama、vLLM……）；不设则离线摘录作答")
    api_key: SecretStr | None = Field(None, description="接口密钥；不设时读取环境变量 OPENAI_API_KEY（不会被打印或写入日志）")
    model: str = Field("deepseek-chat", description="模型名")
    temperature: float = Field(0.1, ge=0, le=2, description="采样温度（回答事实问题宜低）")
    timeout_s: float = Field(60.0, gt=0, description="单次请求超时（秒）")


class AnswerSettings(BaseModel):
    k: int = Field(5, ge=1, le=20, description="作答时检索的片段数")
    context_tokens: int = Field(3000, ge=200, le=100_000, description="交给大模型的资料片段总 token 上限")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid")
    toml_path: ClassVar[Path | None] = None

    data_dir: Path = Field(Path("~/.report-assistant"), description="数据目录：文档库与索引都在这里")
    offline: bool = Field(True, description="离线模式：不下载任何模型或编码文件（设置 HF_HUB_OFFLINE 等）")
    log_level: str = Field("WARNING", description="日志级别：DEBUG / INFO / WARNING / ERROR")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="导入与切分")
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="嵌入模型")
    vectorstore: VectorStoreSettings = Field(default_factory=VectorStoreSettings, description="向量库")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="检索")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="大模型（可选）")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="问答")

    def llm_api_key(self) -> str | None:
        key = self.llm.api_key                       # a SecretStr; a plain str when set by model_copy
        return (key.get_secret_value() if isinstance(key, SecretStr) else key) or os.environ.get("OPENAI_API_KEY")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        toml_file = cls.toml_path
        sources = [init_settings, env_settings]
        if toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_file))
        return tuple(sources)

    @property
    def data_path(self) -> Path:
        return self.data_dir.expanduser()


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from defaults, the TOML file (explicit, or ./report-assistant.toml), env, then `overrides`.

    `overrides` are CLI flags; None values mean "not given". Nested keys use dots: {"ingest.chunk_tokens": 200}.
    """
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"配置文件 {config_file} 不存在。请检查 --config 参数的路径。")
    if config_file is None and Path(DEFAULT_CONFIG_FILE).is_file():
        config_file = Path(DEFAULT_CONFIG_FILE)
    init: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        target = init
        *parents, leaf = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    bound = type("Settings", (Settings,), {"toml_path": config_file})
    try:
        return bound(**init)
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        where = f"（配置文件 {config_file}）" if config_file else ""
        raise ConfigError(f"设置无效{where}：{problems}。请改正后重试，`report-assistant config` 可查看当前设置。") from None
    except ValueError as exc:  # TOML syntax errors
        raise ConfigError(f"配置文件 {config_file} 无法解析：{exc}。请检查 TOML 语法。") from None


def apply_offline_environment(settings: Settings) -> None:
    """Tell Hugging Face and friends not to reach the network (the entry point calls this once)."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if settings.offline:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def describe(settings: Settings) -> dict[str, Any]:
    """Effective values with descriptions, secrets masked: what `report-assistant config` prints."""
    def walk(model: BaseModel) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            if isinstance(value, BaseModel):
                out[name] = walk(value)
                continue
            if isinstance(value, SecretStr) or name.endswith(("api_key", "secret", "password")):
                value = "***" if value else value
            out[name] = {"value": str(value) if isinstance(value, Path) else value, "description": field.description}
        return out
    return walk(settings)
