"""Background jobs: long work (imports, measuring a network) runs outside the request.

A job kind is a function registered with :func:`netweave.jobs.registry.job`; a request
calls :func:`netweave.jobs.services.enqueue`; ``netweave worker`` runs queued jobs. Progress
goes through Django's cache so that other processes see it while the job's own database
transaction is still open.
"""


class JobError(Exception):
    """A job failed in a way its user should read: the message is stored on the job."""
