"""Where the course lives online: the one place that names its public git repository.

The Colab setup cell (tools/colab_setup.py), the README's Binder, Colab and nbgitpuller links
and their test (tests/test_delivery.py) all read these constants. Before publishing, set
REPO_URL to the real repository and run `make nav` (it rewrites the Colab cells); the test then
reminds you to update the README's links.
"""

from __future__ import annotations

REPO_URL = "https://github.com/OWNER/matrix-derivatives-course"  # placeholder: set on publishing
BRANCH = "main"
OWNER_AND_NAME = REPO_URL.removeprefix("https://github.com/")
CHECKOUT_NAME = OWNER_AND_NAME.split("/")[1]  # the folder `git clone` makes (nbgitpuller too)
FIRST_NOTEBOOK = "notebooks/00-start-here.ipynb"

BINDER_URL = (f"https://mybinder.org/v2/gh/{OWNER_AND_NAME}/{BRANCH}"
              f"?urlpath=lab/tree/{FIRST_NOTEBOOK}")
COLAB_URL = f"https://colab.research.google.com/github/{OWNER_AND_NAME}/blob/{BRANCH}/{FIRST_NOTEBOOK}"
