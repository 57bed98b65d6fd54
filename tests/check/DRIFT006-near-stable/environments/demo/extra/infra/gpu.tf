# Stable on purpose: never "$Latest", timestamp() or uuid() (this comment mentions them).
/* aws ec2 describe-instances --instance-ids i-0123456789abcdef0 */
resource "aws_launch_template" "gpu" {
  name_prefix = "gpu-"
  image_id    = "ami-0123456789abcdef0"
}

resource "aws_autoscaling_group" "gpu" {
  max_size = 1
  min_size = 0

  launch_template {
    id      = aws_launch_template.gpu.id
    version = aws_launch_template.gpu.latest_version
  }

  tag {
    key                 = "Note"
    value               = "timestamp() and uuid() in a string are only text; api-12345678 is no ID"
    propagate_at_launch = true
  }
}

resource "time_static" "built" {}

resource "terraform_data" "kubeconfig" {
  input = time_static.built.rfc3339

  provisioner "local-exec" {
    command = "kubectl --context ${local.cluster_name} get nodes && echo terraform_data done"
  }
}

resource "aws_instance" "x" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  tags = {
    Name = "multi-0123abcd"
  }
}
