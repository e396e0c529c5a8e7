"""The chat model: any OpenAI-compatible endpoint through langchain-openai, streaming.

Failures (bad key, timeout, refused connection) become one `LLMUnavailable` with a Chinese message;
the answer use case then falls back to the extractive answer.
"""

from __future__ import annotations

from typing import Protocol
from collections.abc import Iterator

from ingest.errors import ReportAssistantError



class LLMUnavailable(ReportAssistantError):
    pass


class ChatModel(Protocol):
    name: str

    def stream(self, messages: list[tuple[str, str]]) -> Iterator[str]: ...


class OpenAICompatibleChat:
    def __init__(self, *, base_url: str, api_key: str | None, model: str, temperature: float = 0.1,
                 timeout_s: float = 60.0) -> None:
        from langchain_openai import ChatOpenAI

        self.name = f"{model}@{base_url}"
        self.base_url = base_url
        self._client = ChatOpenAI(base_url=base_url, api_key=api_key or "not-needed", model=model,
                                  temperature=temperature, timeout=timeout_s, max_retries=0, streaming=True)

    def stream(self, messages: list[tuple[str, str]]) -> Iterator[str]:
        import openai

        try:
            for chunk in self._client.stream(messages):
                if chunk.content:
                    yield chunk.content
        except openai.AuthenticationError:
            raise LLMUnavailable(f"大模型服务（{self.base_url}）拒绝了访问密钥（401）。"
                                 "请检查 llm.api_key 或环境变量 OPENAI_API_KEY。") from None
        except openai.APITimeoutError:
            raise LLMUnavailable(f"大模型服务（{self.base_url}）响应超时。请稍后再试，或调大 llm.timeout_s。") from None
        except openai.APIConnectionError:
            raise LLMUnavailable(f"无法连接大模型服务（{self.base_url}）。请确认服务已启动、地址正确。") from None
        except openai.APIStatusError as exc:
            raise LLMUnavailable(f"大模型服务（{self.base_url}）返回错误（HTTP {exc.status_code}）。请检查模型名和服务状态。") from None
