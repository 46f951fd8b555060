from django.http import HttpRequest

from .roles import is_analyst, is_editor, role_of


def roles(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "is_analyst": is_analyst(user),
        "is_editor": is_editor(user),
        "role": role_of(user),
    }
