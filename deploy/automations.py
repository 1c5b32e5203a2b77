"""Create the automations of ``deploy/automations.yaml`` on the Prefect server (PREFECT_API_URL).

An action names its notification block (``notification_block: NAME``); this
script looks up the block's id. ``--webhook URL`` first saves a custom
webhook block of that name, posting ``{"subject": ..., "body": ...}`` as JSON.
An automation of the same name is replaced, so running this again is safe.

    python deploy/automations.py --webhook https://alerts.example.org/hook
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import yaml

DEFINITIONS = Path(__file__).with_name("automations.yaml")


async def _block_id(client, name: str):
    documents = [d for d in await client.read_block_documents(include_secrets=False) if d.name == name]
    if not documents:
        raise LookupError(f"no notification block named {name!r}: create one in the UI "
                          f"(Blocks), or pass --webhook URL")
    return documents[0].id


async def create(definitions: Path = DEFINITIONS) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import AutomationCore

    automations = yaml.safe_load(definitions.read_text(encoding="utf-8"))["automations"]
    created = []
    async with get_client() as client:
        for data in automations:
            for action in data.get("actions", []):
                if "notification_block" in action:
                    action["block_document_id"] = str(await _block_id(client, action.pop("notification_block")))
            automation = AutomationCore.model_validate(data)
            for existing in await client.read_automations_by_name(automation.name):
                await client.delete_automation(existing.id)
            created.append(str(await client.create_automation(automation)))
    return created


def save_webhook_block(name: str, url: str, allow_private: bool) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    CustomWebhookNotificationBlock(
        name=name, url=url, method="POST", json_data={"subject": "{{subject}}", "body": "{{body}}"},
        allow_private_urls=allow_private,
    ).save(name, overwrite=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python deploy/automations.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--webhook", metavar="URL", help="save a webhook notification block for the alerts first")
    parser.add_argument("--allow-private", action="store_true",
                        help="let the webhook be on a private or loopback address")
    parser.add_argument("--block-name", default="newsarchive-alerts", help="the notification block's name")
    args = parser.parse_args(argv)
    try:
        if args.webhook:
            save_webhook_block(args.block_name, args.webhook, args.allow_private)
        ids = asyncio.run(create())
    except (LookupError, ValueError) as exc:
        print(f"newsarchive automations: {exc}", file=sys.stderr)
        return 2
    print(f"created {len(ids)} automation(s): {', '.join(ids)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
