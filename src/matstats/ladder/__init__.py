"""The control ladder: how a mat's effect shrinks from no treatment to an active control to
a sham, and how likely a mat beats a sham.

``rungs`` pools the study effects by control class and gives the sham offset; ``bayes`` the
posterior of the mat-vs-sham effect; ``answer`` the headline answer with its sensitivity grid
and assurance; ``trial_size`` the size of a future mat-vs-sham trial.
The public names of ``rungs`` and ``trial_size`` are available here directly.
"""

from matstats.ladder import answer, bayes, rungs, trial_size
from matstats.ladder.rungs import *  # noqa: F403
from matstats.ladder.trial_size import *  # noqa: F403

__all__ = ["answer", "bayes", "rungs", "trial_size", *rungs.__all__, *trial_size.__all__]
