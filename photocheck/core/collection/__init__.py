"""The whole collection: places, routines, linked identities, and what to do first."""

from .geocode import DATA_CREDIT, PlaceName, name_place
from .overview import Action, Collection, Linked, Overview, Place, analyse

__all__ = ["DATA_CREDIT", "Action", "Collection", "Linked", "Overview", "Place", "PlaceName",
           "analyse", "name_place"]
