from django.urls import path

from boards.consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/boards/<id:board_id>/", BoardConsumer.as_asgi()),
    path("ws/workshops/<id:workshop_id>/", BoardConsumer.as_asgi()),
    path("ws/projector/<token:token>/", BoardConsumer.as_asgi()),
]
