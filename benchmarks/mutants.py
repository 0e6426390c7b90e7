"""The mutant set: small, declared edits to the production factory and engine path, each a bug of the
kind these migrations meet. Every `old` text must occur exactly once in its file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    file: str
    edits: tuple[tuple[str, str], ...]  # (old, new), applied in order


FACTORY, ENGINE = "agent_platform/engine/factory.py", "agent_platform/engine/engine.py"
NOTIFIER, SUPERVISOR = "agent_platform/notifications.py", "agent_platform/supervisor.py"
AGENT, EVENTS, CONNECTIONS = "agent_platform/agents/base.py", "agent_platform/events.py", "agent_platform/connections.py"
REGISTRY = "agent_platform/agents/registry.py"

MUTANTS: tuple[Mutant, ...] = (
    Mutant("limit-off-by-one", "per-user limit lets one engine too many through", FACTORY,
           (("if len(active) >= self.max_engines_per_user:", "if len(active) > self.max_engines_per_user:"),)),
    Mutant("limit-global", "the limit counts every user's engines together", FACTORY,
           (("active = self._active.setdefault(context.user_id, set())", 'active = self._active.setdefault("all", set())'),)),
    Mutant("no-release", "a closed engine is never released by the factory", FACTORY,
           (("self._active.get(user, set()).discard(engine)", "pass"),)),
    Mutant("close-skips-factory", "engine.close() no longer tells the factory", ENGINE,
           (("            self._on_close(self)", "            pass"),)),
    Mutant("drop-agent-completed", "the terminal agent_completed event is not sent", ENGINE,
           (('await self.notifier.notify("agent_completed", "supervisor", {"response": response, "agents": plan})', "pass"),)),
    Mutant("swallow-llm-error", "an LLM failure ends the run silently (no agent_error, run not recorded)", ENGINE,
           (("            return await self._fail(str(exc))\n        except Exception", '            return RunResult("failed", error=str(exc))\n        except Exception'),)),
    # (duplicate-agent-error, "agent_error is sent twice", was dropped: since WebSocketNotifier closes a run's
    # stream at its terminal event, the second agent_error never reaches a user -- an equivalent mutant at the
    # boundary the suites observe; notifier-talks-after-terminal below breaks that guard itself.)
    Mutant("cancel-not-recorded", "a cancelled run stays 'running' in the database", ENGINE,
           (('            self._finish("cancelled", "cancelled")', "            pass"),)),
    Mutant("failure-recorded-completed", "a failed run is recorded as completed", ENGINE,
           (('self._finish("failed", error)', 'self._finish("completed", error)'),)),
    Mutant("user-message-lost", "the user's message is not persisted", ENGINE,
           (('self.store.add_message(ctx.thread_id, "user", message)', "pass"),)),
    Mutant("assistant-reply-lost", "the AI response is not persisted", ENGINE,
           (('self.store.add_message(ctx.thread_id, "assistant", response)', "pass"),)),
    Mutant("response-missing", "agent_completed carries no response", ENGINE,
           (('{"response": response, "agents": plan}', '{"agents": plan}'),)),
    Mutant("wrong-recipient", "events are routed by thread id instead of user id", NOTIFIER,
           (("await self.connections.send_to_user(self.context.user_id, event)",
             "await self.connections.send_to_user(self.context.thread_id, event)"),)),
    Mutant("drop-thinking", "agent_thinking events are dropped", NOTIFIER,
           (("        event = make_event(", '        if type == "agent_thinking":\n            return\n        event = make_event('),)),
    Mutant("started-after-triage", "agent_started is sent after triage's first thought", SUPERVISOR,
           (('        await notifier.notify("agent_started", self.name, {"message": message})\n', ""),
            ('        notes: list[str] = []\n', '        await notifier.notify("agent_started", self.name, {"message": message})\n        notes: list[str] = []\n'))),
    Mutant("plan-not-reported", "agent_completed's agents list forgets triage", SUPERVISOR,
           (('self.last_plan = ["triage", *plan]', "self.last_plan = plan"),)),
    Mutant("tool-completed-wrong-id", "tool_completed names another tool call id", AGENT,
           (('"tool_completed", self.name, {"tool_call_id": call.id,', '"tool_completed", self.name, {"tool_call_id": call.id + "x",'),)),
    Mutant("drop-tool-executing", "tool_executing is not sent", AGENT,
           (('                await notifier.notify(\n                    "tool_executing",', '                await notifier.notify(\n                    "tool_executing_v2",'),)),
    Mutant("tool-error-swallowed", "a tool error is reported as an empty result", AGENT,
           (('outcome = {"error": str(exc)}', 'outcome = {"result": {}}'),)),
    Mutant("run-id-is-request-id", "events carry the request id where the run id belongs", EVENTS,
           (('"run_id": context.run_id,', '"run_id": context.request_id,'),)),
    Mutant("broadcast", "events go to every connected user", CONNECTIONS,
           (("if owner == user_id:", "if True:"),)),
    Mutant("duplicate-delivery", "every event is delivered twice", CONNECTIONS,
           (("                    await send(event)\n", "                    await send(event)\n                    await send(event)\n"),)),
    # agent-registry: the canonical AgentRegistry
    Mutant("registry-overwrites", "registering a taken name silently replaces the first", REGISTRY,
           (("        if name in self._factories:\n", "        if False:\n"),)),
    Mutant("registry-unsorted", "names are listed in registration order", REGISTRY,
           (("return sorted(self._factories)", "return list(self._factories)"),)),
    Mutant("registry-unknown-is-none", "an unknown name gives None instead of KeyError", REGISTRY,
           (("return self._factories[name]()", "return self._factories[name]() if name in self._factories else None"),)),
    Mutant("registry-caches-agents", "every lookup of a name returns the same agent object", REGISTRY,
           (("return self._factories[name]()", 'return self.__dict__.setdefault("_made", {}).setdefault(name, self._factories[name]())'),)),
    Mutant("registry-late-binding", "the default agents' factories all build the last agent (late binding)", REGISTRY,
           (("lambda name=name, instructions=instructions: Agent(name, instructions)", "lambda: Agent(name, instructions)"),)),
    Mutant("registry-shared-state", "registrations live in the class, shared by every registry", REGISTRY,
           (("    def __init__(self) -> None:\n        self._factories: dict[str, Callable[[], Any]] = {}",
             "    _shared: dict[str, Callable[[], Any]] = {}\n\n    def __init__(self) -> None:\n        self._factories = AgentRegistry._shared"),)),
    # supervisor: the canonical SupervisorAgent
    Mutant("supervisor-reversed", "the planned agents run last to first", SUPERVISOR,
           (("for position, name in enumerate(plan, start=1):", "for position, name in enumerate(reversed(plan), start=1):"),)),
    Mutant("supervisor-last-by-name", "the last agent is told by name, not position (the legacy supervisor's way)", SUPERVISOR,
           (("if position < len(plan):", "if name != plan[-1]:"),)),
    Mutant("supervisor-no-notes", "earlier agents' findings are not passed on as notes", SUPERVISOR,
           (('notes.append(f"{name}: {content}")', "pass"),)),
    Mutant("supervisor-last-is-a-thought", "the last agent's answer is sent as a thought, the response is empty", SUPERVISOR,
           (("if position < len(plan):", "if position <= len(plan):"),)),
    Mutant("supervisor-plan-wording", "the plan is announced in another form", SUPERVISOR,
           (('"plan: " + " -> ".join(plan)', '"plan: " + ", ".join(plan)'),)),
    # websocket-notifier: the canonical WebSocketNotifier
    Mutant("notifier-talks-after-terminal", "events after agent_completed/agent_error still reach the user", NOTIFIER,
           (("        if self.finished:\n            return", "        if False:\n            return"),)),
    Mutant("notifier-error-not-terminal", "agent_error does not close the run's stream", NOTIFIER,
           (("self.finished = type in TERMINAL_EVENTS", 'self.finished = type == "agent_completed"'),)),
    Mutant("notifier-wrong-agent", "every event names the supervisor as its agent", NOTIFIER,
           (("make_event(type, self.context, agent, payload, self.clock)", 'make_event(type, self.context, "supervisor", payload, self.clock)'),)),
    Mutant("notifier-drops-tool-completed", "tool_completed is dropped (the v1 bridge's bug)", NOTIFIER,
           (("        await self.connections.send_to_user(self.context.user_id, event)",
             '        if type == "tool_completed":\n            return\n        await self.connections.send_to_user(self.context.user_id, event)'),)),
    Mutant("notifier-finished-before-validation", "an unknown type after the terminal event is dropped instead of refused", NOTIFIER,
           (("        event = make_event(type, self.context, agent, payload, self.clock)\n        if self.finished:\n            return",
             "        if self.finished:\n            return\n        event = make_event(type, self.context, agent, payload, self.clock)"),)),
)  # fmt: skip
