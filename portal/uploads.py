"""The upload page every import shares: choose a file, see a preview (nothing written), confirm to import.

An app declares an `ImportUploadView` subclass with its service; the service is the same one the management
command calls, so the page and the command behave identically.
"""

import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from portal.models import PendingUpload
from portal.selectors import import_mapping_get, import_mapping_names

ALLOWED_EXTENSIONS = (".csv", ".xlsx")


class ImportFileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportUploadView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Subclasses set kind, permission_required, title, columns, service (the import's service function, as
    `service = staticmethod(...)`) and success_url."""

    kind = ""
    # Whether the service reads files through a saved column mapping (`mapping=`): the page then offers the
    # mappings saved for `kind`.
    takes_mapping = False
    title = ""
    columns: list[str] = []
    help_text = ""
    form_class = ImportFileForm
    template_name = "portal/import_upload.html"
    success_url = "portal:home"
    raise_exception = True

    def service(self, *, data: bytes, file_name: str, dry_run: bool, acting_user, **options):
        raise TypeError(f"{type(self).__name__} must define service()")

    def service_options(self, cleaned_data: dict) -> dict:
        """Extra keyword arguments for the service from the form (e.g. month, replace)."""
        return {}

    def _form(self, *args):
        form = self.form_class(*args)
        names = import_mapping_names(self.kind) if self.takes_mapping else []
        if names:
            form.fields["mapping"] = forms.ChoiceField(
                label=_("Column mapping"),
                required=False,
                choices=[("", _("None: the file uses our column names")), *((name, name) for name in names)],
                help_text=_("For another system's export: read its columns through a saved mapping."),
            )
        return form

    def _mapping_options(self, name: str) -> dict:
        return {"mapping": import_mapping_get(name=name, kind=self.kind)} if name else {}

    def get(self, request):
        return self._render(request, self._form())

    def post(self, request):
        if "token" in request.POST:
            return self._confirm(request)
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        upload = form.cleaned_data["file"]
        data = upload.read()
        options = self.service_options(form.cleaned_data)
        mapping_name = form.cleaned_data.get("mapping") or ""
        result = self.service(
            data=data,
            file_name=upload.name,
            dry_run=True,
            acting_user=request.user,
            **options,
            **self._mapping_options(mapping_name),
        )
        pending = None
        if result.ok:
            options = {**options, "removals": len(result.removals), "mapping": mapping_name}
            PendingUpload.objects.filter(owner=request.user, kind=self.kind).delete()
            PendingUpload.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
            pending = PendingUpload.objects.create(
                token=secrets.token_urlsafe(32),
                kind=self.kind,
                owner=request.user,
                file_name=upload.name[:255],
                data=data,
                options={k: str(v) if v is not None else None for k, v in options.items()},
            )
        return self._render(request, form, result=result, pending=pending)

    def decode_options(self, stored: dict) -> dict:
        return stored

    @staticmethod
    def _removals(stored: dict) -> int:
        return int(stored.get("removals") or 0)

    def _confirm(self, request):
        pending = PendingUpload.objects.filter(
            token=request.POST["token"], owner=request.user, kind=self.kind
        ).first()
        if pending is None:
            messages.error(request, _("That preview has expired; upload the file again."))
            return redirect(request.path)
        stored = dict(pending.options)
        removals = self._removals(stored)
        stored.pop("removals", None)
        mapping_name = stored.pop("mapping", None) or ""
        if removals and request.POST.get("acknowledge") != "yes":
            messages.error(
                request,
                _("Tick the box to confirm that %(n)s people's stored rows will be removed.")
                % {"n": removals},
            )
            return redirect(request.path)
        result = self.service(
            data=bytes(pending.data),
            file_name=pending.file_name,
            dry_run=False,
            acting_user=request.user,
            **self.decode_options(stored),
            **self._mapping_options(mapping_name),
        )
        pending.delete()
        if not result.ok:
            return self._render(request, self._form(), result=result)
        messages.success(
            request,
            _("Imported %(file)s (%(summary)s).") % {"file": pending.file_name, "summary": result.summary()},
        )
        return redirect(self.success_url)

    def _render(self, request, form, result=None, pending=None):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "result": result,
                "pending": pending,
                "title": self.title,
                "columns": self.columns,
                "help_text": self.help_text,
            },
        )
