"""The device bridge: protocol, dispatcher, client, reference gateway. Never imports Qt."""
