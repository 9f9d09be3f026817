"""The static cost of a GraphQL operation, counted before any resolver runs.

The depth, alias and token limits (`api.graphql.schema`) bound a document's size, not its
answer's: 30 aliases of `meetings(first: 100) { proposalsDiscussed { discussedIn { … } } }`
fit them all and multiply into millions of values. So an operation's cost is an upper
estimate of the number of values its answer holds (each field, each list item: what costs
time to build and to encode), and one over `Settings.graphql_max_cost` is refused unrun
(`api.graphql.budgets`):

- a field is 1; one returning an object adds its selection's cost; a list adds its size
  times the cost of one item: 1, plus its selection's cost for an object;
- a list's size is `first` when the field takes it (the variable's value, else the
  variable's default, else the argument's default: `DEFAULT_LIMIT`); for a connection's
  `edges`, the `first` of the field that returned the connection; else the upper estimate
  in `LIST_SIZES`, or `DEFAULT_LIST_SIZE` for a list not listed there, so that a new field
  is never free;
- fragments, named or inline, count as if written out; every alias counts; `@skip` and
  `@include` are honoured. Fragments are costed once each (memoized), so fragments that
  spread each other many times cost this walk no more than the document's length; a cycle
  (which validation refuses before this runs) counts nothing rather than looping.

Introspection (`__schema`, `__type`) is counted exactly instead: the walk follows the real
schema alongside the selection, through graphql-core's own introspection resolvers. The
schema is a few hundred objects in memory, so its answer can be sized for certain, where
any estimate per field fails one way or the other: maxima multiply into a refusal of
GraphiQL's standard introspection query (dozens of types, times 25 fields, times 8 arguments), and
averages let `types { fields { type { ofType { fields … } } } }` through (the depth limit
skips introspection fields, so this count is what bounds them). The walk is memoized per
selection and schema object, so it costs at most their product, however large the count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_directive_values,
    get_variable_values,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from alesco.read.queries import DEFAULT_LIMIT

# Upper estimates of the lists that take no `first`, "Type.field" as in schema.graphql.
# In brackets, the largest seen in the bundled snapshot (2025: 16 RFCs, 17 meetings, 7
# members); the estimates leave room for years of growth.
LIST_SIZES: Mapping[str, int] = {
    "Query.members": 30,  # the roster, current and former (7)
    "Proposal.labels": 10,  # (0: stage labels come and go)
    "Proposal.stageHistory": 10,  # one entry per stage entered, of 8 (3)
    "Proposal.supersedes": 5,  # (1)
    "Proposal.discussedIn": 10,  # meetings whose minutes link the pull request (3)
    "RfcDocument.authors": 10,  # (3)
    "Meeting.attendees": 15,  # roster members present (6)
    "Meeting.attendeeNames": 15,  # (6)
    "Meeting.absentees": 15,  # (2)
    "Meeting.boardAttendees": 15,  # (2)
    "Meeting.communityAttendees": 30,  # (6)
    "Meeting.decisions": 20,  # (3)
    "Meeting.proposalsDiscussed": 10,  # pull requests the minutes link (5)
    "Meeting.proposalsDiscussedNumbers": 10,  # (5)
    "Member.chairTerms": 5,  # (2)
    "Status.sources": 4,  # one per source: exact
    "SourceStatus.warnings": 10,  # (0)
    "Proposal.decisions": 10,  # decisions about the pull request (3)
    "Meeting.decisionRecords": 20,  # (4)
    "Decision.details": 10,  # sub-items and folded body lines (5)
    "Decision.proposals": 5,  # (1)
    "Decision.votes": 15,  # members present, or named (6)
    "Proposal.timeline": 60,  # events, stages, meetings and decisions (12)
    "TimelineItem.lines": 40,  # the minutes' lines about it in one meeting (9)
    "Member.votes": 200,  # votes the minutes record for one member (11)
    "Attendance.meetings": 200,  # meetings held while a member, 26 a year (17)
}
DEFAULT_LIST_SIZE = 20
# Lists whose size is the `first` of the field that returned their parent (a connection).
PAGE_SIZED = frozenset({"ProposalConnection.edges", "DecisionConnection.edges"})
# Costs past this are reported as this: JavaScript's largest exact integer, and far past
# any budget (memoized fragments can spell numbers of thousands of digits).
MAX_REPORTED_COST = 2**53 - 1


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> int | None:
    """The cost of the operation that would run; None when there is none to run, or its
    variables are invalid (execution refuses them, resolving nothing)."""
    operation = get_operation_ast(document, operation_name)
    root = None if operation is None else schema.get_root_type(operation.operation)
    if operation is None or root is None:
        return None
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {}), max_errors=1
    )
    if isinstance(coerced, list):
        return None
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, coerced)
    return min(walk.selections(operation.selection_set, root, None), MAX_REPORTED_COST)


@dataclass(frozen=True)
class _Info:
    """What graphql-core's introspection resolvers read of their `info`."""

    schema: GraphQLSchema


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    spreads: dict[tuple[str, int | None], int] = field(default_factory=dict)
    introspected: dict[tuple[int, str, int], int] = field(default_factory=dict)
    expanding: set[str] = field(default_factory=set)

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int | None
    ) -> int:
        """The cost of a selection on `parent`; `page`: the `first` of the connection."""
        total = 0
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = self._type(selection.type_condition, parent)
                total += self.selections(selection.selection_set, condition, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection.name.value, parent, page)
        return total

    def _spread(self, name: str, parent: GraphQLNamedType, page: int | None) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in self.expanding:
            return 0
        key = (name, page)
        if key not in self.spreads:
            self.expanding.add(name)
            condition = self._type(fragment.type_condition, parent)
            self.spreads[key] = self.selections(fragment.selection_set, condition, page)
            self.expanding.discard(name)
        return self.spreads[key]

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        if name in ("__schema", "__type"):
            meta = SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
            return self._resolved(node, meta, None)
        definition = _fields(parent).get(name)
        if definition is None:  # __typename
            return 1
        first = self._first(definition, node)
        listed = isinstance(get_nullable_type(definition.type), GraphQLList)
        selected = 0
        if node.selection_set is not None:
            child_page = None if listed else first
            named = get_named_type(definition.type)
            selected = self.selections(node.selection_set, named, child_page)
        if not listed:
            return 1 + selected
        key = f"{parent.name}.{name}"
        if first is not None:
            size = first
        elif key in PAGE_SIZED and page is not None:
            size = page
        else:
            size = LIST_SIZES.get(key, DEFAULT_LIST_SIZE)
        return 1 + size * (1 + selected)

    def _first(self, definition: GraphQLField, node: FieldNode) -> int | None:
        """The field's `first` argument, when it takes one; never negative."""
        if "first" not in definition.args:
            return None
        try:
            value = get_argument_values(definition, node, self.variables).get("first")
        except GraphQLError:  # execution refuses it before resolving anything
            return 0
        return max(value, 0) if isinstance(value, int) else DEFAULT_LIMIT

    def _resolved(self, node: FieldNode, definition: GraphQLField, source: object) -> int:
        """The exact cost of an introspection field, resolved on the real schema."""
        if definition.resolve is None:
            return 1
        try:
            arguments = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            return 1
        value = definition.resolve(source, _Info(self.schema), **arguments)
        if value is None:
            return 1
        named = get_named_type(definition.type)
        items = value if isinstance(get_nullable_type(definition.type), GraphQLList) else None
        if node.selection_set is None:
            return 1 + (len(list(items)) if items is not None else 0)
        if items is None:
            return 1 + self._introspected(node.selection_set, named, value)
        return 1 + sum(1 + self._introspected(node.selection_set, named, item) for item in items)

    def _introspected(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, source: object
    ) -> int:
        # A field, argument or enum value comes as a (name, definition) pair made on the
        # fly: the definition is the lasting object that names it.
        lasting = source[1] if isinstance(source, tuple) else source
        key = (id(selection_set), parent.name, id(lasting))
        if key in self.introspected:
            return self.introspected[key]
        total = 0
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                definition = _fields(parent).get(selection.name.value)
                total += 1 if definition is None else self._resolved(selection, definition, source)
            elif isinstance(selection, InlineFragmentNode):
                condition = self._type(selection.type_condition, parent)
                total += self._introspected(selection.selection_set, condition, source)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.expanding:
                    continue
                self.expanding.add(name)
                condition = self._type(fragment.type_condition, parent)
                total += self._introspected(fragment.selection_set, condition, source)
                self.expanding.discard(name)
        self.introspected[key] = total
        return total

    def _included(self, node: SelectionNode) -> bool:
        """`@skip(if:)` and `@include(if:)`, as execution reads them."""
        if not node.directives:
            return True
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        except GraphQLError:
            return True
        return not (skip and skip.get("if")) and not (include and not include.get("if"))

    def _type(self, condition: NamedTypeNode | None, parent: GraphQLNamedType) -> GraphQLNamedType:
        named = None if condition is None else self.schema.get_type(condition.name.value)
        return named or parent


def _fields(parent: GraphQLNamedType) -> Mapping[str, GraphQLField]:
    """The fields of an object or interface type; none for other types."""
    fields: Mapping[str, GraphQLField] = getattr(parent, "fields", {})
    return fields
