"""The domain core of Service Model Designer: plain Python, no Qt.

Everything a command-line tool or a test needs lives here: the schema, the catalogue, file
reading and writing, the coverage checks, lot plan metrics, model comparison and the edit
operations the designer's undo commands are built on.
"""

from .errors import ModelFileError, Problem
from .fileio import SaveError, parse_model, read_model, serialise, with_revision, write_model
from .schema import (Component, Contract, FundingAllocation, FundingSource, Kpi, Lot, LotPlan,
                     Pathway, Position, Revision, ServiceModel)

__all__ = [
    "Component", "Contract", "FundingAllocation", "FundingSource", "Kpi", "Lot", "LotPlan",
    "ModelFileError", "Pathway", "Position", "Problem", "Revision", "SaveError", "ServiceModel",
    "parse_model", "read_model", "serialise", "with_revision", "write_model",
]
