"""`scaffold`: a family's protocol, adapters, contracts and differential, written from its members' source."""
