"""One class per concept, as PySpark has: the names a user can import from two places are the
same object (a second copy drifts, as taskcontext's ResourceInformation once had its own repr)."""


def test_task_context_resources_use_pyspark_resource_information():
    import kindling.resource
    import kindling.taskcontext

    assert kindling.taskcontext.ResourceInformation is kindling.resource.ResourceInformation
