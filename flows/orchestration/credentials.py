"""S3 settings from a Prefect Secret block, for the flow-run process only.

Operators keep the bucket's credentials in one Secret block (a JSON object)
instead of each worker's environment. The flow loads it and sets the standard
AWS variables in its own process, which boto3 reads; the values are never
logged, and only the block's name is a flow parameter.

    python -m flows.orchestration.credentials save newsarchive-s3   # from the AWS_* variables now set
"""
from __future__ import annotations

import argparse
import os
import sys

# Secret keys (either spelling) and the variable boto3 reads for each.
_VARIABLES = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
    "endpoint_url": "AWS_ENDPOINT_URL",
    "region_name": "AWS_REGION",
    "region": "AWS_REGION",
}


class CredentialsError(Exception):
    """The block is missing or malformed; the message never contains its values."""


def s3_environment(secret: object) -> dict[str, str]:
    """The AWS variables a Secret block's value stands for."""
    if not isinstance(secret, dict):
        raise CredentialsError("the S3 Secret block must hold a JSON object such as "
                               '{"aws_access_key_id": ..., "aws_secret_access_key": ..., "endpoint_url": ...}')
    env = {}
    for key, value in secret.items():
        name = _VARIABLES.get(key.lower()) or (key.upper() if key.upper().startswith("AWS_") else None)
        if name is None:
            raise CredentialsError(f"unknown key in the S3 Secret block: {key!r}")
        if value not in (None, ""):
            env[name] = str(value)
    if ("AWS_ACCESS_KEY_ID" in env) != ("AWS_SECRET_ACCESS_KEY" in env):
        raise CredentialsError("the S3 Secret block needs both aws_access_key_id and aws_secret_access_key")
    return env


def apply_s3_block(name: str | None) -> list[str]:
    """Load the Secret block ``name`` (if any) into this process's environment; return the names set."""
    if not name:
        return []
    from prefect.blocks.system import Secret

    try:
        secret = Secret.load(name)
    except ValueError:
        raise CredentialsError(f"no Secret block named {name!r} on the Prefect server") from None
    env = s3_environment(secret.get())
    os.environ.update(env)
    return sorted(env)


def save_s3_block(name: str, environ: dict[str, str] | None = None, overwrite: bool = True) -> list[str]:
    """Save the AWS variables of ``environ`` as the Secret block ``name``; return the keys saved."""
    from prefect.blocks.system import Secret

    environ = os.environ if environ is None else environ
    value = {key: environ[var] for key, var in _VARIABLES.items() if key != "region" and environ.get(var)}
    s3_environment(value)  # the same checks as on load
    if not value:
        raise CredentialsError("no AWS_* variables are set")
    Secret(value=value).save(name, overwrite=overwrite)
    return sorted(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.orchestration.credentials", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    save = commands.add_parser("save", help="save the AWS_* variables now set as a Secret block")
    save.add_argument("name", help="block name, e.g. newsarchive-s3")
    args = parser.parse_args(argv)
    try:
        keys = save_s3_block(args.name)
    except CredentialsError as exc:
        print(f"newsarchive credentials: {exc}", file=sys.stderr)
        return 2
    print(f"saved Secret block {args.name!r} with {', '.join(keys)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
