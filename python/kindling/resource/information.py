"""``ResourceInformation``: a resource's name and the addresses of its units."""

__all__ = ["ResourceInformation"]


class ResourceInformation:
    def __init__(self, name, addresses):
        self._name = name
        self._addresses = addresses

    @property
    def name(self):
        return self._name

    @property
    def addresses(self):
        return self._addresses
