"""What one GraphQL operation may spend: a static cost, checked before it runs, and time,
checked while it runs.

The cost check is a SchemaExtension's `on_validate`, before validation, not a validation
rule (`AddValidationRules`): a rule sees no variables, and `first: $n` is the most natural
way to ask for a large page; a rule's verdict would be cached by document text, shared by
every variable set; and validating a large document (graphql-core's rules walk it many
times over) is what a refusal costs most: an over-budget document is refused unvalidated.
`api.graphql.cost` walks any parsed document safely (unknown fields count 1, a fragment
cycle nothing), so it need not wait for validation's verdict.

The time check is a `resolve` hook: every field resolved past the deadline raises
`TimeBudgetExceeded`, so an execution whose client was already answered
(`api.graphql.worker`) stops within one field. Raised in a non-null field, the error
propagates to the root and ends the execution at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError

from api.context import settings_of
from api.graphql.cost import MAX_REPORTED_COST, operation_cost

DEADLINE = "deadline"  # the key of the request's Deadline in the GraphQL context


@dataclass(frozen=True)
class Deadline:
    """When the execution must end (`time.monotonic()`), and the budget that set it."""

    at: float
    seconds: float

    @classmethod
    def starting_now(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()


class TimeBudgetExceeded(Exception):
    """An execution ran past its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The query ran past its time budget of {seconds:g} s")
        self.seconds = seconds


def cost_exceeded(cost: int, budget: int) -> GraphQLError:
    return GraphQLError(
        f"The query's cost is {cost}, over the budget of {budget}: every list multiplies "
        "the cost of what it selects (first, or the estimate of its size), so ask for "
        "smaller pages, fewer nested lists or fewer aliases.",
        extensions={"code": "QUERY_COST_EXCEEDED", "cost": cost, "budget": budget},
    )


class SeveralOperations(CannotGetOperationTypeError):
    """The GraphQL spec's GetOperation(): several operations and no `operationName` is a
    request error (Strawberry would quietly run the first); answered as a 400 problem."""

    def __init__(self) -> None:
        super().__init__(None)

    def as_http_error_reason(self) -> str:
        return "The query holds several operations: name one in operationName."


class CostBudget(SchemaExtension):
    """Refuses, unrun, an operation whose static cost (`api.graphql.cost`) is over
    `Settings.graphql_max_cost`."""

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None and execution._provided_operation_name is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                raise SeveralOperations
        if document is not None and execution.pre_execution_errors is None:
            budget = settings_of(execution.context["request"]).graphql_max_cost
            try:
                cost = operation_cost(
                    execution.schema._schema,
                    document,
                    execution.operation_name,
                    execution.variables,
                )
            except RecursionError:  # nested past what a walk can count: over any budget
                cost = MAX_REPORTED_COST
            if cost is not None and cost > budget:
                # Set before validation runs, it stands for validation's verdict: Strawberry
                # then skips validating (the costliest step for a large document) and
                # answers this error, unrun.
                execution.pre_execution_errors = [cost_exceeded(cost, budget)]
        yield


class DeadlineCheck(SchemaExtension):
    """Ends an execution that has run past the request's `Deadline`."""

    def resolve(
        self,
        _next: Callable[..., Any],
        root: Any,
        info: GraphQLResolveInfo[Any],
        *args: str,
        **kwargs: Any,
    ) -> Any:
        deadline: Deadline = info.context[DEADLINE]
        if time.monotonic() > deadline.at:
            raise TimeBudgetExceeded(deadline.seconds)
        return _next(root, info, *args, **kwargs)


def stopped_by_deadline(errors: list[GraphQLError]) -> bool:
    """Did the execution end at its deadline (its result is then discarded)?"""
    return any(isinstance(error.original_error, TimeBudgetExceeded) for error in errors)
