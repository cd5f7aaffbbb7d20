"""Private foundations shared by every pillar (layer 0 of ARCHITECTURE.md); nothing here is
public API: the public names are re-exported where users look for them."""
