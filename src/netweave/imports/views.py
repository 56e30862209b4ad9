"""Import pages (facilitators only): upload a file, follow its progress, read the result,
and review uncertain merges of people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from netweave.networks.permissions import Capability, network_for

from . import selectors, services
from .forms import ImportForm, ReviewForm
from .models import ReviewItem


@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_for(request.user, slug, Capability.FACILITATE)
    network = access.network
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_upload(network, form.cleaned_data["kind"],
                                        form.cleaned_data["file"],
                                        mapping=form.cleaned_data["mapping"],
                                        dry_run=form.cleaned_data["dry_run"], user=request.user,
                                        options=form.options(),
                                        events=form.cleaned_data.get("events"))
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports-run", slug=network.slug, run_id=run.pk)
    return render(request, "imports/home.html", {
        "network": network, "form": form, "runs": selectors.runs(network),
        "open_reviews": len(selectors.review_rows(network, open_only=True)),
        "max_mb": services.import_limits().max_bytes // 2**20,
    })


@login_required
def run_detail(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    network = network_for(request.user, slug, Capability.FACILITATE).network
    run = selectors.run_in(network, run_id)
    if run is None:
        raise Http404
    info = selectors.progress(run)
    percent = int(100 * info["done"] / info["total"]) if info["total"] else 0
    labels = _labels()
    rows = [(labels.get(key, key), run.found.get(key, ""), run.added.get(key, ""))
            for key in dict.fromkeys([*run.found, *run.added])
            if run.found.get(key) or run.added.get(key)]
    shown = run.preview.get("preview") or {}
    return render(request, "imports/run.html", {
        "network": network, "run": run, "progress": info, "percent": percent,
        "finished": run.status in ("done", "failed"), "rows": rows,
        "shown": shown, "notes": run.preview.get("notes", []),
        "kinds": [(labels.get(k, k), n) for k, n in (shown.get("kinds") or {}).items()],
    })


@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for(request.user, slug, Capability.FACILITATE).network
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            item = ReviewItem.objects.filter(network=network,
                                             pk=form.cleaned_data["item"]).first()
            if item is None:
                raise Http404
            services.decide_review(item, form.cleaned_data["decision"], request.user)
        return redirect("imports-review", slug=network.slug)
    return render(request, "imports/review.html", {
        "network": network, "rows": selectors.review_rows(network)})


def _labels() -> dict[str, str]:
    return {
        "people": _("people"), "merged": _("merged with someone known"),
        "review": _("merges to review"),
        "joins_dated": _("join dates moved earlier"), "events": _("events"), "rsvps": _("RSVPs"),
        "attendance": _("attendance"), "discussions": _("discussions"), "posts": _("posts"),
        "reactions": _("reactions"), "interactions": _("interactions"),
        "duplicates": _("duplicates (counted once)"), "activity_rows": _("activity rows"),
    }
