"""The endpoint and lifecycle mutant set: small, declared edits to the WebSocket endpoint, context
validation, supervisor and notifier state, each a defect the golden path and contracts once missed.
Every `old` text must occur exactly once in its file."""

from __future__ import annotations

from mutants import Mutant

APP, CONTEXT = "agent_platform/app.py", "agent_platform/context.py"
FACTORY, SUPERVISOR, AGENT = "agent_platform/engine/factory.py", "agent_platform/supervisor.py", "agent_platform/agents/base.py"

MUTANTS: tuple[Mutant, ...] = (
    Mutant("close-not-in-finally", "a run cancelled by a disconnect never releases its engine", APP,
           (("                try:\n                    await engine.run(content)\n                finally:\n                    await engine.close()",
             "                await engine.run(content)\n                await engine.close()"),)),
    Mutant("no-close", "a finished run never releases its engine", APP,
           (("                finally:\n                    await engine.close()", "                finally:\n                    pass"),)),
    Mutant("no-cancel-on-disconnect", "a disconnect leaves the user's runs going", APP,
           (("                    task.cancel()", "                    pass"),)),
    Mutant("no-unregister", "a closed connection stays registered", APP,
           (("                connections.unregister(client_id)", "                pass"),)),
    Mutant("refusal-lost", "a message refused by the limit is not kept", APP,
           (("                    store.refuse_run(context, content, str(exc))", "                    pass"),)),
    Mutant("refusal-empty-thread", "a refused message leaves an empty thread row (the original defect)", APP,
           (("                    store.refuse_run(context, content, str(exc))",
             "                    store.ensure_thread(context.user_id, context.thread_id)"),)),
    Mutant("refusal-without-id", "the refusal does not name the client's message id", APP,
           (("                            message_id=message_id,\n                            thread_id=context.thread_id,",
             "                            thread_id=context.thread_id,"),)),
    Mutant("refusal-unanswered", "a refusal by the limit crashes the run task: no answer", APP,
           (("                except ConcurrencyLimitError as exc:", "                except KeyError as exc:"),)),
    Mutant("unknown-thread-accepted", "a message naming an unknown thread starts a run in it", APP,
           (("                if thread_id is not None and not store.has_thread(user_id, thread_id):", "                if False:"),)),
    Mutant("bad-message-closes", "a malformed message ends the connection", APP,
           (("                        await send(_error(exc.code, str(exc), message_id=exc.message_id))\n                        continue",
             "                        await send(_error(exc.code, str(exc), message_id=exc.message_id))\n                        break"),)),
    Mutant("blank-ids-accepted", "a context with empty or blank ids is accepted", CONTEXT,
           (("            if not isinstance(value, str) or not value.strip():", "            if not isinstance(value, str):"),)),
    Mutant("placeholder-ids-accepted", "a context with placeholder ids is accepted", CONTEXT,
           (('            if lowered in PLACEHOLDERS or lowered.startswith(("placeholder", "temp_")):', "            if False:"),)),
    Mutant("shared-notifier", "one notifier for every engine of the factory: the latest context wins", FACTORY,
           (("            notifier=WebSocketNotifier(self.connections, context),", "            notifier=self._shared_notifier(context),"),
            ("    def _release(self, engine: ExecutionEngine) -> None:",
             "    def _shared_notifier(self, context):\n        if not hasattr(self, '_notifier'):\n            self._notifier = WebSocketNotifier(self.connections, context)\n"
             "        self._notifier.context = context\n        return self._notifier\n\n    def _release(self, engine: ExecutionEngine) -> None:"))),
    Mutant("shared-supervisor", "one supervisor for every engine of the factory: plans leak between users", FACTORY,
           (("            supervisor=SupervisorAgent(self.registry),", "            supervisor=self._supervisor,"),
            ("        self._active: dict[str, set[ExecutionEngine]] = {}",
             "        self._active: dict[str, set[ExecutionEngine]] = {}\n        self._supervisor = SupervisorAgent(self.registry)"))),
    Mutant("plan-on-the-class", "the supervisor keeps the last plan on the class, shared by all users", SUPERVISOR,
           (("        self.last_plan: list[str] = []\n", ""),
            ('        self.last_plan = ["triage", *plan]', '        SupervisorAgent.last_plan = ["triage", *plan]'))),
    Mutant("empty-answer-completes", "an empty LLM answer ends in agent_completed with an empty response", AGENT,
           (("                if not content.strip():\n", "                if False:\n"),)),
)  # fmt: skip
