"""Email delivery: routing, digests, SMTP or outbox transport and the delivery ledger."""

from partner_review.delivery.dispatch import DeliveryOutcome, DeliveryReport, deliver_run
from partner_review.delivery.testmail import send_test_command

__all__ = ["DeliveryOutcome", "DeliveryReport", "deliver_run", "send_test_command"]
