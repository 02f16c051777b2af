from django.urls import path

from boards.consumers import BoardConsumer

websocket_urlpatterns = [
    path("ws/boards/<int:board_id>/", BoardConsumer.as_asgi()),
    path("ws/workshops/<int:workshop_id>/", BoardConsumer.as_asgi()),
    path("ws/projector/<str:token>/", BoardConsumer.as_asgi()),
]
