"""Pure core: parsing, deciding and rendering with no network, disk or clock."""
