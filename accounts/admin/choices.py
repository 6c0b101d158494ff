"""The admin's autocomplete fields, narrowed to the choices the form behind them accepts."""


def autocomplete_choices(admin_site, request, queryset):
    """In the admin's autocomplete, narrow `queryset` to the choices the form behind it
    accepts: the source model's admin says which (`choices_for(request, field_name)`), so
    a TAM is not offered accounts or logins they may not choose."""
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return queryset
    app_label, model_name = request.GET.get("app_label"), request.GET.get("model_name")
    source_admin = next(
        (
            model_admin
            for model, model_admin in admin_site._registry.items()
            if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
        ),
        None,
    )
    choices = getattr(source_admin, "choices_for", None)
    allowed = choices(request, request.GET.get("field_name")) if choices else None
    return queryset if allowed is None else queryset.filter(pk__in=allowed)
