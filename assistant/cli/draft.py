"""The draft command (filled in with the drafting use case)."""

from __future__ import annotations

import argparse


def register(commands, common: argparse.ArgumentParser) -> None:
    return None
