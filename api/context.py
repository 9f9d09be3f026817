"""What a request reads: the process's current read model, and the time of the request.

Handlers take the model once and use it throughout, so a response never mixes two data
versions even if a reload lands meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from starlette.requests import HTTPConnection

from alesco.domain.committee import Committee
from alesco.read.read_model import ReadModel
from alesco.read.status import ServiceStatus
from alesco.settings import Settings
from api.model_holder import ModelHolder


@dataclass(frozen=True)
class Context:
    model: ReadModel
    status: ServiceStatus
    now: datetime

    @property
    def committee(self) -> Committee:
        return self.model.committee


def holder_of(connection: HTTPConnection) -> ModelHolder:
    holder: ModelHolder = connection.app.state.holder
    return holder


def engine_of(connection: HTTPConnection) -> Engine:
    return holder_of(connection).engine


def settings_of(connection: HTTPConnection) -> Settings:
    return holder_of(connection).settings


def context_of(connection: HTTPConnection) -> Context:
    holder = holder_of(connection)
    clock: Callable[[], datetime] = holder.clock
    now = clock()
    model = holder.model
    return Context(model, model.status(now, holder.settings.sync_interval), now)
