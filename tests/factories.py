import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from customers.choices import AddressType, CustomerRole, OrderStatus
from customers.models import Address, Customer, Download, Order
from customers.services import order_save
from wcompat.models import ApiKey


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")

    class Params:
        admin = factory.Trait(is_superuser=True, is_staff=True)


def make_api_key(permissions: str = ApiKey.Permissions.READ_WRITE, user=None) -> ApiKey:
    """A key made the way the product makes them; `plain_key` carries the consumer key shown once."""
    key, consumer_key, _secret = ApiKey.generate(user=user or UserFactory(admin=True), permissions=permissions)
    key.plain_key = consumer_key
    return key


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.LazyAttribute(lambda o: o.username)
    first_name = ""
    last_name = ""
    role = CustomerRole.CUSTOMER

    @factory.post_generation
    def addresses(obj, create, extracted, **kwargs):
        if not create:
            return
        values = extracted or {}
        for address_type in AddressType.values:
            Address.objects.create(customer=obj, type=address_type, **values.get(address_type, {}))

    class Params:
        admin = factory.Trait(role=CustomerRole.ADMINISTRATOR)


class OrderFactory(DjangoModelFactory):
    """Orders are saved through the service, as the admin and the importer save them."""

    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    status = OrderStatus.COMPLETED
    total = "10.00"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return order_save(model_class(*args, **kwargs))


class DownloadFactory(DjangoModelFactory):
    class Meta:
        model = Download

    order = factory.SubFactory(OrderFactory)
    customer = factory.LazyAttribute(lambda o: o.order.customer)
    product_id = factory.Sequence(lambda n: 100 + n)
    product_name = "Album"
    product_url = factory.LazyAttribute(lambda o: f"https://shop.example/product/{o.product_id}")
    download_id = factory.Sequence(lambda n: f"{n:032x}")
    download_name = "song.mp3"
    file_url = "https://shop.example/files/song.mp3"
