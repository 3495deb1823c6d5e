"""Every enumeration the models use, as string enums (values are what the database stores)."""

from __future__ import annotations

from enum import StrEnum


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
