resource "aws_launch_template" "gpu" {
  name_prefix = "gpu-"
  image_id    = "ami-0123456789abcdef0"
}

resource "aws_autoscaling_group" "gpu" {
  max_size = 1
  min_size = 0

  launch_template {
    id      = aws_launch_template.gpu.id
    version = "$Latest"
  }

  tag {
    key                 = "BuiltAt"
    value               = timestamp()
    propagate_at_launch = true
  }
}

resource "null_resource" "tag_volume" {
  triggers = {
    run = uuid()
  }

  provisioner "local-exec" {
    command = "aws ec2 create-tags --resources vol-0abc1234def567890 --tags Key=x,Value=${local.cluster_name}"
  }
}
