"""The pipeline that runs every stage, the checks of a built release, the atomic switch, deploy and the national build."""
