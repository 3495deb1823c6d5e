"""Every enumeration the models use, as string enums (values are what the database stores), and the one word for
each product type that every page and every core text uses (`product_type_label`)."""

from __future__ import annotations

from enum import Enum, StrEnum


class UserRole(StrEnum):
    ADMIN = "admin"
    SELLER = "seller"


class SellerStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    SUSPENDED = "SUSPENDED"
    REJECTED = "REJECTED"


class DigitalProductType(StrEnum):
    POWERPOINT = "POWERPOINT"
    DOCUMENT = "DOCUMENT"
    WEB_TEMPLATE = "WEB_TEMPLATE"
    SPREADSHEET = "SPREADSHEET"
    EBOOK = "EBOOK"
    COURSE = "COURSE"
    GRAPHIC = "GRAPHIC"
    PLANNER = "PLANNER"


# Types whose word is not just the value in lower case with spaces.
PRODUCT_TYPE_WORDS = {"EBOOK": "e-book", "POWERPOINT": "PowerPoint", "WEB_TEMPLATE": "web template"}


def product_type_label(product_type: str | Enum | None, *, lower: bool = False) -> str:
    """`EBOOK` -> "E-book", `WEB_TEMPLATE` -> "Web template", `POWERPOINT` -> "PowerPoint"; "" for None.

    `lower=True` for the middle of a sentence: "13 e-book listings" (a proper name such as PowerPoint keeps its
    capitals either way).
    """
    if product_type is None or product_type == "":
        return ""
    value = str(getattr(product_type, "value", product_type))
    word = PRODUCT_TYPE_WORDS.get(value, value.replace("_", " ").lower())
    return word if lower else word[:1].upper() + word[1:]


class ProductStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class ConversionEventType(StrEnum):
    ADD_TO_CART = "ADD_TO_CART"
    CHECKOUT_STARTED = "CHECKOUT_STARTED"
    PURCHASE = "PURCHASE"


class InsightType(StrEnum):
    PRICING = "PRICING"
    LISTING_QUALITY = "LISTING_QUALITY"
    MARKETING = "MARKETING"
    PERFORMANCE = "PERFORMANCE"
    OPPORTUNITY = "OPPORTUNITY"


class InsightPriority(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class InsightStatus(StrEnum):
    PENDING = "PENDING"
    VIEWED = "VIEWED"
    ACTED_ON = "ACTED_ON"
    DISMISSED = "DISMISSED"


class GoalType(StrEnum):
    REVENUE = "REVENUE"
    SALES = "SALES"
    PRODUCTS = "PRODUCTS"
    RATING = "RATING"


class GoalStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ACHIEVED = "ACHIEVED"
    MISSED = "MISSED"
    CANCELED = "CANCELED"


class ResourceType(StrEnum):
    TUTORIAL = "TUTORIAL"
    GUIDE = "GUIDE"
    VIDEO = "VIDEO"
    BEST_PRACTICE = "BEST_PRACTICE"
    SUCCESS_STORY = "SUCCESS_STORY"


class NotificationType(StrEnum):
    SELLER_OPPORTUNITY = "SELLER_OPPORTUNITY"
    LISTING_QUALITY = "LISTING_QUALITY"
    GOAL = "GOAL"
    SYSTEM = "SYSTEM"
    PERFORMANCE_ALERT = "PERFORMANCE_ALERT"  # a seller's own alert threshold was crossed (issue 14)


class EmailStatus(StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"


class JobStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class PriceChangeSource(StrEnum):
    ANALYSIS = "ANALYSIS"
    MANUAL = "MANUAL"
    ADMIN = "ADMIN"


class LoginOutcome(StrEnum):
    """What became of one submitted login form (the admin's Sign-ins page lists them)."""

    SUCCESS = "success"
    FAILURE = "failure"  # wrong username or password (which of the two is never told)
    THROTTLED = "throttled"  # refused before the password was checked: too many recent failures


class OrderStatus(StrEnum):
    """An order is paid when it is created and stays so unless it is refunded (issue 14)."""

    PAID = "paid"
    REFUNDED = "refunded"


class AdChannel(StrEnum):
    """Where a seller's ad ran (`ad_spend.channel`)."""

    MARKETPLACE_ADS = "marketplace_ads"
    INSTAGRAM_ADS = "instagram_ads"
    TIKTOK_ADS = "tiktok_ads"
    GOOGLE_ADS = "google_ads"


class RecommendationAction(StrEnum):
    """What to do with one product (seed 001 §4.4)."""

    KEEP = "keep"
    PROMOTE = "promote"
    REPRICE = "reprice"
    DROP = "drop"


class RecommendationStatus(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class AlertSeverity(StrEnum):
    """How urgent an operator alert or an anomaly is (issue 19)."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # still breaching; an admin has seen it
    RESOLVED = "resolved"
