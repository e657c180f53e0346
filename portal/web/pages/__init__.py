"""Server-rendered pages (public and staff) and the JSON endpoints that sit next to them."""

from __future__ import annotations

from typing import Any

from portal.web.pages.api_more import PublicApiController
from portal.web.pages.public import PUBLIC_HANDLERS
from portal.web.pages.staff import STAFF_HANDLERS
from portal.web.pages.staff_api import StaffApiController

PAGE_HANDLERS: list[Any] = [*PUBLIC_HANDLERS, *STAFF_HANDLERS, StaffApiController, PublicApiController]
