from django.urls import path, re_path

from boards.consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/boards/<id:board_id>/", BoardConsumer.as_asgi()),
    path("ws/workshops/<id:workshop_id>/", BoardConsumer.as_asgi()),
    path("ws/projector/<token:token>/", BoardConsumer.as_asgi()),
    # Breakouts: a phone waiting for its group, a facilitator's look at a group's phones.
    path("ws/waiting/<id:waiting_workshop_id>/", BoardConsumer.as_asgi()),
    path("ws/preview/<id:preview_board_id>/", BoardConsumer.as_asgi()),
    # Any other path (an odd id or token included): refused on connect, like a stranger,
    # rather than the router's "No route found" exception.
    re_path(r"", BoardConsumer.as_asgi()),
]
