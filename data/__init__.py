"""The course's small data sets, shipped inside the package as `utils.data_files` (see
README.md here): `utils.data` reads them with importlib.resources, so a non-editable install
(`pip install .`) finds them as well as a source checkout does."""
