from celery import shared_task

from .services import deliveries_due, delivery_send


@shared_task(soft_time_limit=60, time_limit=90)
def webhook_delivery_send(delivery_id: int) -> None:
    delivery_send(delivery_id)


@shared_task(soft_time_limit=600, time_limit=660)
def webhook_deliveries_due() -> int:
    return deliveries_due()
