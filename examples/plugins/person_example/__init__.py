"""The protobuf example: an address book served as Protocol Buffers over HTTP."""
