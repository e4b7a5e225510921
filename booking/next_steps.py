"""What other apps offer on the thanks page, after a request is sent (scheduling offers to pick a
time). Booking knows nothing of them: each app registers a provider when it starts."""

from collections.abc import Callable
from dataclasses import dataclass, field

from booking.models import ConsultationRequest


@dataclass(frozen=True)
class NextStep:
    template: str
    context: dict = field(default_factory=dict)


Provider = Callable[[object, ConsultationRequest], NextStep | None]
PROVIDERS: list[Provider] = []


def next_step_register(provider: Provider) -> Provider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def next_steps(request, consultation: ConsultationRequest) -> list[NextStep]:
    return [step for provider in PROVIDERS if (step := provider(request, consultation)) is not None]
