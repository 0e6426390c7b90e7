"""The cart-total family: one adapter module per member (ADAPTER), the contracts, the divergences."""
