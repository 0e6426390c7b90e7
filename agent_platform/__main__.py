"""`python -m agent_platform`: create-user, fake-llm, serve, demo, run-once, list-agents."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys


def _create_user(args: argparse.Namespace) -> int:
    from agent_platform.store import Store

    try:
        user_id = Store(args.db).create_user(args.name, args.password)
    except ValueError as exc:
        print(f"create-user: {exc}", file=sys.stderr)
        return 1
    print(user_id)
    return 0


def _fake_llm(args: argparse.Namespace) -> int:
    from agent_platform.fake_llm import ScriptedLLM, serve

    script = ScriptedLLM.default()
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            script = ScriptedLLM.from_steps(json.load(f))
    serve(script, args.host, args.port)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from agent_platform.app import create_app
    from agent_platform.settings import Settings

    secret = args.jwt_secret or os.environ.get("AGENT_PLATFORM_JWT_SECRET") or secrets.token_hex(32)
    settings = Settings(
        db_path=args.db, llm_url=args.llm_url, jwt_secret=secret, llm_timeout=args.llm_timeout,
        experiment_candidates=tuple(args.experiment), experiment_log=args.experiment_log,
        experiment_sample=args.experiment_sample, experiment_divergences=args.experiment_divergences,
    )  # fmt: skip
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from agent_platform.demo import main

    return main(args.message)


def _run_once(args: argparse.Namespace) -> int:
    from agent_platform.connections import ConnectionManager
    from agent_platform.context import UserExecutionContext
    from agent_platform.engine.request_scoped import RequestScopedExecutionFactory
    from agent_platform.llm import LLMClient
    from agent_platform.store import Store

    async def run() -> int:
        connections = ConnectionManager()

        async def show(event: dict) -> None:
            print(json.dumps(event, sort_keys=True))

        connections.register(args.user_id, "run-once", show)
        factory = RequestScopedExecutionFactory(
            llm=LLMClient(args.llm_url), connections=connections, store=Store(args.db)
        )
        async with factory.scope(UserExecutionContext.new(args.user_id, websocket_client_id="run-once")) as engine:
            result = await engine.run(args.message)
        return 0 if result.status == "completed" else 1

    import asyncio

    return asyncio.run(run())


def _list_agents(args: argparse.Namespace) -> int:
    from agent_platform.agents.catalog import GlobalAgentRegistry

    for name, description in GlobalAgentRegistry.instance().describe():
        print(f"{name:<14} {description}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m agent_platform", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("create-user", help="add a user to the SQLite database")
    p.add_argument("name")
    p.add_argument("--password", required=True)
    p.add_argument("--db", required=True, help="SQLite file (created if missing)")
    p.set_defaults(run=_create_user)

    p = sub.add_parser("fake-llm", help="serve the scripted OpenAI-compatible LLM")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--script", help="JSON list of steps to play before the default rules")
    p.set_defaults(run=_fake_llm)

    p = sub.add_parser("serve", help="serve the chat service (HTTP + WebSocket)")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--llm-url", required=True, help="base URL of an OpenAI-compatible API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--jwt-secret", help="default: $AGENT_PLATFORM_JWT_SECRET, else random per process")
    p.add_argument("--llm-timeout", type=float, default=5.0, help="seconds per LLM request (default 5)")
    p.add_argument("--experiment", action="append", default=[], metavar="[NAME=]MODULE:FACTORY",
                   help="run this engine factory beside the canonical on every message (repeatable; "
                        "needs ssot-harness): its events are captured, compared, never sent")
    p.add_argument("--experiment-log", default="", help="observations file (default ssot-experiments.jsonl)")
    p.add_argument("--experiment-sample", type=float, default=1.0, help="share of messages experimented on")
    p.add_argument("--experiment-divergences", default="",
                   help="the family's divergences.toml: declared divergences count as accepted")
    p.set_defaults(run=_serve)

    p = sub.add_parser("demo", help="run the golden path once end to end and print the events")
    p.add_argument("--message", default="Please optimize my cloud costs")
    p.set_defaults(run=_demo)

    p = sub.add_parser("run-once", help="batch: run one message for a user, events as JSON lines")
    p.add_argument("--user-id", required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--llm-url", required=True)
    p.add_argument("message")
    p.set_defaults(run=_run_once)

    p = sub.add_parser("list-agents", help="list the agents of the catalogue")
    p.set_defaults(run=_list_agents)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
