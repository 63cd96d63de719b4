"""The environment and files: where things live (env), writing files safely (files), the bounds and
declarations of every option (limits, choices, optiontable), progress, terminal tables, worker
processes and a Dask cluster, vector arithmetic. Imports nothing else of w2vkit but its errors.
"""
