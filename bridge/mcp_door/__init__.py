"""The MCP door package: the companion's tool catalogue served to local AI apps (Qt-free).

Holds no code of its own: ``server`` (the ``Door`` around the MCP SDK's
low-level ``Server``), ``tools``, ``resources`` and ``prompts`` (what it
serves), ``stdio`` and ``http`` (the transports), ``cli`` (the
``adiuva-companion mcp`` sub-command, which runs its own asyncio loop) and
``setup`` (writing client configurations). Importing the package loads
nothing, so ``import bridge`` never pulls in the MCP SDK.
"""
