import factory

from accounts.models import Role, RoleGrant, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create:
            return
        for role in [Role.RESEARCHER] if extracted is None else extracted:
            RoleGrant.objects.get_or_create(user=self, role=role)
        self.save()


def staff_user(**kwargs):  # type: ignore[no-untyped-def]
    return UserFactory(roles=[Role.SECRETARIAT], **kwargs)
